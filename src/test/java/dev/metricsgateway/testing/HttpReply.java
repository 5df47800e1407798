package dev.metricsgateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** What a test's HTTP call got back. */
public record HttpReply(int status, MultiMap headers, Buffer body) {

    public String text() {
        return body.toString();
    }

    public JsonObject json() {
        return new JsonObject(body);
    }

    public String header(String name) {
        return headers.get(name);
    }
}
