"""Security building blocks: password hashing and policy, tokens, TOTP, headers."""
