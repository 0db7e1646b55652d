package io.upone.server.auth;

/** Who sent a request: the name a token was given in the tokens file, and its role. */
public record Caller(String name, Role role) {}
