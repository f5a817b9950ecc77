package io.localmodels.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusPacketInfo;

import java.util.Arrays;

/** One Opus packet per call through Concentus (pure Java, no native library). */
public final class OpusPacketDecoder implements AudioDecoder {

    /** The longest Opus packet is 120 ms. */
    private static final int MAX_FRAME_MS = 120;

    private final OpusDecoder decoder;
    private final int channels;
    private final short[] buffer;
    private final int maxFrameSize;

    public OpusPacketDecoder(int sampleRate, int channels) {
        try {
            this.decoder = new OpusDecoder(sampleRate, channels);
        } catch (OpusException e) {
            throw new IllegalArgumentException("cannot create an Opus decoder for " + sampleRate + " Hz, " + channels + " channels", e);
        }
        this.channels = channels;
        this.maxFrameSize = sampleRate * MAX_FRAME_MS / 1000;
        this.buffer = new short[maxFrameSize * channels];
    }

    /** Samples per channel in {@code packet} at {@code sampleRate}, read from its TOC; 0 when it is malformed. */
    static long samplesPerChannel(byte[] packet, int sampleRate) {
        try {
            int n = OpusPacketInfo.getNumSamples(packet, 0, packet.length, sampleRate);
            return Math.max(0, n);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public short[] decode(byte[] packet) throws CorruptAudioException {
        try {
            int samples = decoder.decode(packet, 0, packet.length, buffer, 0, maxFrameSize, false);
            return Arrays.copyOf(buffer, samples * channels);
        } catch (OpusException | RuntimeException e) {
            throw new CorruptAudioException("corrupt Opus packet of " + packet.length + " bytes: " + e.getMessage(), e);
        }
    }
}
