package io.localmodels.api.glasses;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Audio sockets that have sent nothing yet. They hold no session slot, and there are at most
 * {@code maxTotal} of them and about {@code maxPerAddress} per remote address: at the per-address
 * cap that address's oldest silent socket is closed to make room, at the total cap the oldest of
 * all. So sockets that never speak can delay but never shut out a client that sends its config at
 * once. A socket younger than {@code grace} is only closed for the total cap: a burst of real
 * clients behind one address (a NAT, an ingress) is not mistaken for a flood while their first
 * messages are still on the wire. Plain bookkeeping, no I/O.
 */
final class PendingSockets {

    private record Waiting(String address, long since) {
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final long graceNanos;
    private final LongSupplier clock;
    /** Connection id → who and since when, oldest first. */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();

    PendingSockets(int maxTotal, int maxPerAddress, long graceNanos, LongSupplier clock) {
        this.maxTotal = Math.max(1, maxTotal);
        this.maxPerAddress = Math.max(1, maxPerAddress);
        this.graceNanos = graceNanos;
        this.clock = clock;
    }

    /** Counts a new socket; answers the id of the socket to close to make room for it, or null. */
    synchronized String admit(String connectionId, String address) {
        long now = clock.getAsLong();
        String evict = null;
        if (perAddress.getOrDefault(address, 0) >= maxPerAddress) {
            evict = oldest(address, now);
        }
        if (evict == null && waiting.size() >= maxTotal) {
            evict = waiting.keySet().iterator().next();
        }
        if (evict != null) {
            remove(evict);
        }
        waiting.put(connectionId, new Waiting(address, now));
        perAddress.merge(address, 1, Integer::sum);
        return evict;
    }

    /** The socket sent something (or closed); false when it was no longer waiting. */
    synchronized boolean remove(String connectionId) {
        Waiting w = waiting.remove(connectionId);
        if (w == null) {
            return false;
        }
        perAddress.computeIfPresent(w.address(), (a, n) -> n > 1 ? n - 1 : null);
        return true;
    }

    synchronized int size() {
        return waiting.size();
    }

    /** The oldest socket of {@code address} that is past its grace, or null. */
    private String oldest(String address, long now) {
        for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
            if (e.getValue().address().equals(address)) {
                return now - e.getValue().since() >= graceNanos ? e.getKey() : null;
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
