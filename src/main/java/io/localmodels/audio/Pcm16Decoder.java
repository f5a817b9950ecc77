package io.localmodels.audio;

/**
 * Little-endian 16-bit PCM from frames of any length: a trailing odd byte, or a partial
 * multi-channel frame, waits for the next message instead of being dropped.
 */
public final class Pcm16Decoder implements AudioDecoder {

    private final int frameBytes;
    private final byte[] carry;
    private int carried;

    public Pcm16Decoder(int channels) {
        this.frameBytes = 2 * channels;
        this.carry = new byte[frameBytes];
    }

    @Override
    public short[] decode(byte[] frame) {
        int total = carried + frame.length;
        int whole = total / frameBytes * frameBytes;
        short[] out = new short[whole / 2];
        int o = 0;
        int i = 0;
        // Bytes from the carry come first, then the new frame, as one continuous byte stream.
        while (2 * o < whole) {
            int lo = byteAt(i++, frame);
            int hi = byteAt(i++, frame);
            out[o++] = (short) ((hi << 8) | (lo & 0xff));
        }
        int left = total - whole;
        byte[] rest = new byte[left];
        for (int k = 0; k < left; k++) {
            rest[k] = (byte) byteAt(i++, frame);
        }
        System.arraycopy(rest, 0, carry, 0, left);
        carried = left;
        return out;
    }

    @Override
    public int pendingBytes() {
        return carried;
    }

    private int byteAt(int index, byte[] frame) {
        return index < carried ? carry[index] : frame[index - carried];
    }
}
