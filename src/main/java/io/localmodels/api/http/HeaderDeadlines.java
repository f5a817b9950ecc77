package io.localmodels.api.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;

/**
 * A deadline on request heads (lma.http.header-timeout), which Vert.x does not have: without it a
 * client that sends one header line every few seconds holds a connection for ever (slowloris). Each
 * accepted connection gets a {@link HeadDeadline} first in its pipeline (a hook on the listening
 * channel, found through Vert.x internals: if a Vert.x upgrade moves them, start-up logs that the
 * deadline is off and HeaderDeadlineTest fails), and the first route tells it when a head arrived.
 */
@ApplicationScoped
public class HeaderDeadlines {

    private static final Logger LOG = Logger.getLogger(HeaderDeadlines.class);
    private static final String ACCEPT_HOOK = "lma-head-deadline-accept";

    private final long timeoutNanos;
    private final Counter expired;

    @Inject
    public HeaderDeadlines(HttpLimitsConfig config, MeterRegistry meters) {
        this.timeoutNanos = config.headerTimeout().toNanos();
        this.expired = Counter.builder("lma_http_header_timeouts_total")
                .description("connections closed because a request head did not arrive within lma.http.header-timeout").register(meters);
    }

    /** Quarkus fires this (asynchronously) once the HTTP server listens. */
    void listening(@ObservesAsync HttpServerStart started, Vertx vertx) {
        if (timeoutNanos <= 0) {
            return;
        }
        try {
            Field bind = TCPServerBase.class.getDeclaredField("bindFuture");
            bind.setAccessible(true);
            for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
                @SuppressWarnings("unchecked")
                Future<Channel> bound = (Future<Channel>) bind.get(server);
                Channel listening = bound == null ? null : bound.result();
                if (listening != null && listening.pipeline().get(ACCEPT_HOOK) == null) {
                    listening.pipeline().addFirst(ACCEPT_HOOK, new AcceptHook());
                    LOG.debugf("request-head deadline (%d ms) on %s", timeoutNanos / 1_000_000, listening.localAddress());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("lma.http.header-timeout is not enforced: this Vert.x does not let it reach the listening socket (%s)", e.toString());
        }
    }

    void route(@Observes Router router) {
        if (timeoutNanos > 0) {
            router.route().order(Integer.MIN_VALUE).handler(this::headArrived);
        }
    }

    private void headArrived(RoutingContext rc) {
        HttpConnection connection = rc.request().connection();
        if (connection instanceof ConnectionBase base) {
            Channel channel = base.channel();
            if (channel.pipeline().get(HeadDeadline.NAME) instanceof HeadDeadline deadline) {
                boolean last = rc.request().version() == HttpVersion.HTTP_2 || "websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"));
                onLoop(channel, () -> deadline.headReceived(last));
                if (!last) {
                    rc.addEndHandler(done -> onLoop(channel, deadline::responseEnded));
                }
            }
        }
        rc.next();
    }

    private static void onLoop(Channel channel, Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    /** On the listening channel: each accepted connection gets its deadline before Vert.x sets it up. */
    @ChannelHandler.Sharable
    private final class AcceptHook extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel accepted) {
                accepted.pipeline().addFirst(HeadDeadline.NAME, new HeadDeadline(timeoutNanos, expired::increment));
            }
            ctx.fireChannelRead(msg);
        }
    }
}
