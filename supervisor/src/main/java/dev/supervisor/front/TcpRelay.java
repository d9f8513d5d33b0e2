package dev.supervisor.front;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Copies the bytes one side of a TCP front's connection (or of an upgraded HTTP connection) reads to the other side,
 * pausing reads while the other side can't keep up. One instance on each of the two channels, each pointing at its
 * peer. Half-closes pass through: a client that shuts its output still gets the rest of the answer.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(TcpRelay.class);

    private final Channel peer;
    private final ChannelOutboundInvoker peerOut;
    private boolean flushPending;

    TcpRelay(Channel peer) {
        this.peer = peer;
        this.peerOut = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peerOut.write(msg, peerOut.voidPromise());
        flushPending = true;
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            peerOut.flush();
        }
        // In a tunnel the HTTP handler behind may have written to the peer in this read (the 101 and what came with it).
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !peer.config().isAutoRead()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && peer instanceof SocketChannel peerSocket) {
            // This side sent its last byte: pass the end on once what it sent before has been written.
            peerOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (peerSocket.isActive()) {
                    peerSocket.shutdownOutput().addListener(shut -> closeIfBothWaysDone(peerSocket));
                }
            });
            closeIfBothWaysDone((SocketChannel) ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static void closeIfBothWaysDone(SocketChannel channel) {
        if (channel.isInputShutdown() && channel.isOutputShutdown()) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peerOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tcp front connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
