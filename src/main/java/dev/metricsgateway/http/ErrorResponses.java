package dev.metricsgateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * The one place where errors become responses: {@code {"error": "..."}} (plus {@code details}
 * where the contract has them) with a JSON Content-Type. Never echoes request headers.
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static void send(RoutingContext ctx, int status, String message) {
        send(ctx, status, new JsonObject().put("error", message));
    }

    static void send(RoutingContext ctx, int status, String message, JsonArray details) {
        send(ctx, status, new JsonObject().put("error", message).put("details", details));
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encode());
    }

    /**
     * The router's failure handler: a status set by {@code ctx.fail(status)} or an
     * {@link HttpException} keeps its status (BodyHandler fails with 413 this way); anything else
     * is an internal error, logged without request details and answered 500.
     */
    static void handleFailure(RoutingContext ctx) {
        int status = ctx.statusCode();
        Throwable failure = ctx.failure();
        if (failure instanceof HttpException http) {
            status = http.getStatusCode();
        }
        if (status == -1) {
            status = 500;
        }
        if (status == 500 && hasBrokenEscape(ctx.request().path())) {
            status = 400; // Vert.x Web fails route matching on a path with a broken %-escape ("/%zz") as a 500
        }
        String message = switch (status) {
            case 400 -> "bad request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body is over the limit";
            case 415 -> "unsupported media type";
            case 417 -> "unsupported Expect header: only 100-continue is supported";
            default -> status >= 500 ? "internal error" : "request failed";
        };
        if (status >= 500) {
            System.getLogger(ErrorResponses.class.getName()).log(System.Logger.Level.ERROR,
                    "request failed: " + ctx.request().method() + " " + ctx.request().path(), failure);
        }
        send(ctx, status, message);
    }

    /** Whether some '%' in {@code path} does not start a two-hex-digit escape (RFC 3986 section 2.1). */
    private static boolean hasBrokenEscape(String path) {
        if (path == null) {
            return false;
        }
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
                return true;
            }
        }
        return false;
    }
}
