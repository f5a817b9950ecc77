package io.localmodels.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads little-endian float32/float64 .npy arrays (and members of .npz archives) as float[] plus shape. */
public record Npy(float[] data, int[] shape) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Npy read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    public static Npy readNpz(Path file, String member) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(member + ".npy");
            if (e == null) {
                throw new IOException(file + " has no " + member);
            }
            try (InputStream in = zip.getInputStream(e)) {
                return parse(in.readAllBytes());
            }
        }
    }

    private static Npy parse(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException("not a .npy file");
        }
        int major = bytes[6];
        int headerLen = major == 1 ? b.getShort(8) & 0xFFFF : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(bytes, start, headerLen, StandardCharsets.US_ASCII);
        if (header.contains("'fortran_order': True")) {
            throw new IOException("fortran order not supported");
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IOException("bad npy header " + header);
        }
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::strip).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        float[] data = new float[n];
        b.position(start + headerLen);
        switch (d.group(1)) {
            case "<f4" -> b.asFloatBuffer().get(data);
            case "<f8" -> {
                var db = b.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    data[i] = (float) db.get(i);
                }
            }
            default -> throw new IOException("dtype " + d.group(1) + " not supported");
        }
        return new Npy(data, shape);
    }
}
