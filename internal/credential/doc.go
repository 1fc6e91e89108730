// Package credential holds the secrets people log in with and how they are
// checked: argon2id password hashes, TOTP second factors, single-use recovery
// codes, opaque session, API and CSRF tokens, and an in-memory rate limiter for
// login attempts.
//
// Nothing here touches storage: the functions return what the store keeps
// (hashes, never secrets) and check what the user sends against it.
package credential
