package io.localmodels.api.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * First in one connection's pipeline: the connection must deliver a whole request head within the
 * deadline, counted from its start for the first request and from the first byte of each later one;
 * otherwise it is closed. Idle keep-alive time between requests and the time a response takes are not
 * counted (the idle timeout and the routes own those); a WebSocket or HTTP/2 connection is left alone
 * once its head arrived. Every method runs on the connection's event loop.
 */
final class HeadDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "lma-head-deadline";

    private final long timeoutNanos;
    private final Runnable expired;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** A head arrived and its response has not ended yet. */
    private boolean inRequest;
    /** Upgraded (WebSocket) or HTTP/2: no more heads to wait for. */
    private boolean off;

    HeadDeadline(long timeoutNanos, Runnable expired) {
        this.timeoutNanos = timeoutNanos;
        this.expired = expired;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!off && !inRequest && timer == null) {
            arm(); // the first bytes of the next request
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** The routes saw a whole request head; {@code last} when the connection will carry no further heads. */
    void headReceived(boolean last) {
        cancel();
        if (last) {
            off = true;
        } else {
            inRequest = true;
        }
    }

    void responseEnded() {
        inRequest = false;
    }

    private void arm() {
        if (ctx == null || off) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (!inRequest && !off && ctx.channel().isActive()) {
                expired.run();
                ctx.channel().close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
