package io.localmodels.api;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Audio sockets that have not sent their config yet. They hold no session slot, and there are at
 * most {@code maxTotal} of them and {@code maxPerAddress} per remote address; at either cap the
 * oldest waiting socket (of that address first) is closed to make room, so sockets that never
 * configure can delay but never shut out a client that configures at once. Not I/O: plain bookkeeping.
 */
final class PendingSockets {

    private final int maxTotal;
    private final int maxPerAddress;
    /** Connection id → remote address, oldest first. */
    private final LinkedHashMap<String, String> waiting = new LinkedHashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();

    PendingSockets(int maxTotal, int maxPerAddress) {
        this.maxTotal = Math.max(1, maxTotal);
        this.maxPerAddress = Math.max(1, maxPerAddress);
    }

    /** Counts a new socket; answers the id of the socket to close to make room for it, or null. */
    synchronized String admit(String connectionId, String address) {
        String evict = null;
        if (perAddress.getOrDefault(address, 0) >= maxPerAddress) {
            evict = oldest(address);
        } else if (waiting.size() >= maxTotal) {
            evict = waiting.keySet().iterator().next();
        }
        if (evict != null) {
            remove(evict);
        }
        waiting.put(connectionId, address);
        perAddress.merge(address, 1, Integer::sum);
        return evict;
    }

    /** The socket sent its config (or closed); false when it was no longer waiting (closed to make room, or timed out). */
    synchronized boolean remove(String connectionId) {
        String address = waiting.remove(connectionId);
        if (address == null) {
            return false;
        }
        perAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        return true;
    }

    synchronized int size() {
        return waiting.size();
    }

    private String oldest(String address) {
        for (Iterator<Map.Entry<String, String>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (e.getValue().equals(address)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The host part of a "host:port" remote address (IPv6 included). */
    static String host(String remoteAddress) {
        if (remoteAddress == null) {
            return "unknown";
        }
        int colon = remoteAddress.lastIndexOf(':');
        return colon > 0 ? remoteAddress.substring(0, colon) : remoteAddress;
    }
}
