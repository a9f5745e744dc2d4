"""The site's files kept in PostgreSQL (CLINIC_FILE_STORE=database): the settings, for tests in this process."""

# What clinic_site/settings.py configures for CLINIC_FILE_STORE=database
# (tests/test_stored_files.py compares the two).
DATABASE_STORES = {
    "public_images": {
        "BACKEND": "stored_files.storage.DatabaseStorage",
        "OPTIONS": {"store": "public_images", "base_url": "/images/"},
    },
    "patient_photos": {
        "BACKEND": "stored_files.storage.PrivateDatabaseStorage",
        "OPTIONS": {"store": "patient_photos"},
    },
}
