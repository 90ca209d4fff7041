/** The server's rule (app/auth/passwords.py): at least 10 characters, kept as typed, not guessable. */
export const PASSWORD_MIN_LENGTH = 10;
