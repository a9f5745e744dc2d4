# The version of the privacy notice on /privacy/. Change it whenever the notice's text changes:
# consent records name the version a patient was shown.
NOTICE_VERSION = "2026-12-05"
