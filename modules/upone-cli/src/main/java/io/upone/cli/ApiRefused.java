package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The server answered with a problem ({@code {code, message, errors: [{field, reason}]}}): exit 1. */
final class ApiRefused extends RuntimeException {
  final int status;
  final String code;
  final List<String[]> errors;
  final String request;

  ApiRefused(String request, int status, String code, String message, List<String[]> errors) {
    super(message);
    this.request = request;
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  static ApiRefused of(String method, String path, int status, String body) {
    String req = method + " " + path;
    try {
      JsonNode p = Api.JSON.readTree(body);
      if (p != null && p.hasNonNull("code")) {
        List<String[]> errors = new ArrayList<>();
        for (JsonNode e : p.path("errors")) errors.add(new String[] {e.path("field").asText(""), e.path("reason").asText("")});
        return new ApiRefused(req, status, p.get("code").asText(), p.path("message").asText(""), errors);
      }
    } catch (Exception notJson) {
      // falls through: a proxy or a non-upone server answered
    }
    String text = body == null ? "" : body.strip();
    return new ApiRefused(req, status, "http_" + status, text.isEmpty() ? "status " + status : text, List.of());
  }

  /** The route does not exist on this server (yet): no route, or the path is not one it knows. */
  boolean noSuchRoute() {
    return code.equals("no_such_route") || code.equals("method_not_allowed")
        || (status == 400 && errors.stream().anyMatch(e -> e[0].equals("id") && e[1].contains("reserved")));
  }
}
