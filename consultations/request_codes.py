"""Reference codes patients quote, like FN-7KQ2-M9XD: random, so one cannot be guessed from another."""

import secrets

# Crockford's base 32 without the letters people confuse with digits (I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference():
    # 40 random bits: guessing a live reference is hopeless, and a clash is caught by the unique index.
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"FN-{chars[:4]}-{chars[4:]}"
