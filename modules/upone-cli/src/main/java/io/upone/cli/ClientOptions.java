package io.upone.cli;

import picocli.CommandLine.Option;

/** The options every API command takes. */
final class ClientOptions {
  enum Format { table, json, yaml }

  @Option(names = "--url", paramLabel = "URL",
      description = "server URL (default: $UPONE_URL, then url= in ~/.config/upone/config, then http://127.0.0.1:8080)")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "API token sent as Authorization: Bearer (default: $UPONE_TOKEN, then token= in the config file)")
  String token;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), json or yaml")
  Format output;
}
