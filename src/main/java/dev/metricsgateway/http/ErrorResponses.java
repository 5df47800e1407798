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
        String message = switch (status) {
            case 400 -> "bad request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body is over the limit";
            case 415 -> "unsupported media type";
            default -> status >= 500 ? "internal error" : "request failed";
        };
        if (status >= 500) {
            System.getLogger(ErrorResponses.class.getName()).log(System.Logger.Level.ERROR,
                    "request failed: " + ctx.request().method() + " " + ctx.request().path(), failure);
        }
        send(ctx, status, message);
    }
}
