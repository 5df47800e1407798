package dev.metricsgateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's published state: who it is, when it was taken, which departed incarnations its
 * engine has absorbed, and its engine's checkpoint bytes. Immutable (the byte array is never
 * changed once built).
 *
 * <p>An <em>incarnation</em> is one run of a member: the Vert.x node id it got when it joined.
 * A member keeps its {@code nodeName} across restarts and gets a new incarnation each time.
 *
 * @param nodeName           the member's stable name ({@code cluster_node_name})
 * @param incarnation        the Vert.x node id of the run that published it
 * @param publishedAtMillis  when the checkpoint was taken
 * @param absorbed           incarnations whose state this engine has merged in, with when
 * @param checkpoint         {@link dev.metricsgateway.core.AggregationEngine#writeCheckpoint} bytes
 */
record NodeState(String nodeName, String incarnation, long publishedAtMillis, Map<String, Long> absorbed, byte[] checkpoint) {

    private static final int MAGIC = 0x4d47_4e53; // "MGNS"

    NodeState {
        absorbed = Map.copyOf(absorbed);
    }

    /** The wire and map form; the same state always encodes to the same bytes (the map compares them). */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(checkpoint.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(nodeName);
            out.writeUTF(incarnation);
            out.writeLong(publishedAtMillis);
            Map<String, Long> sorted = new TreeMap<>(absorbed);
            out.writeInt(sorted.size());
            for (Map.Entry<String, Long> entry : sorted.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeLong(entry.getValue());
            }
            out.writeInt(checkpoint.length);
            out.write(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} are not an encoded state
     */
    static NodeState decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a published member state");
            }
            String nodeName = in.readUTF();
            String incarnation = in.readUTF();
            long publishedAtMillis = in.readLong();
            int absorbedCount = in.readInt();
            if (absorbedCount < 0 || absorbedCount > bytes.length) {
                throw new IllegalArgumentException("damaged member state: " + absorbedCount + " absorbed incarnations");
            }
            Map<String, Long> absorbed = new TreeMap<>();
            for (int i = 0; i < absorbedCount; i++) {
                absorbed.put(in.readUTF(), in.readLong());
            }
            int length = in.readInt();
            if (length < 0 || length > bytes.length) {
                throw new IllegalArgumentException("damaged member state: checkpoint of " + length + " bytes");
            }
            byte[] checkpoint = in.readNBytes(length);
            if (checkpoint.length != length || in.read() != -1) {
                throw new IllegalArgumentException("damaged member state: wrong length");
            }
            return new NodeState(nodeName, incarnation, publishedAtMillis, absorbed, checkpoint);
        } catch (IOException e) {
            throw new IllegalArgumentException("damaged member state: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "NodeState[" + nodeName + " (" + incarnation + ") at " + publishedAtMillis + ", absorbed " + absorbed.keySet()
                + ", " + checkpoint.length + " bytes]";
    }
}
