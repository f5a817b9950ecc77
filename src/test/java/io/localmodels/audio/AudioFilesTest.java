package io.localmodels.audio;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one way an uploaded file becomes 16 kHz samples: the container from the bytes, raw PCM only when its rate is named. */
class AudioFilesTest {

    private static final Path WORK = Path.of("target/audio-files-test");

    @Test
    void theContainerComesFromTheBytes() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        byte[] wav = Files.readAllBytes(jfk);
        byte[] ogg = Files.readAllBytes(Sox.opusEncode(jfk, WORK.resolve("jfk.opus")));
        assertEquals(AudioFiles.Container.WAV, AudioFiles.sniff(wav));
        assertEquals(AudioFiles.Container.OGG_OPUS, AudioFiles.sniff(ogg));
        assertEquals(AudioFiles.Container.UNKNOWN, AudioFiles.sniff("ID3\u0004 an MP3's tag".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(AudioFiles.Container.UNKNOWN, AudioFiles.sniff(new byte[0]));

        assertEquals(11.0, AudioFiles.decode(wav, OptionalInt.empty(), 60).seconds(), 1e-9);
        assertEquals(11.0, AudioFiles.decode(ogg, OptionalInt.empty(), 60).seconds(), 1e-9);
        AudioFiles.UnknownContainerException unknown = assertThrows(AudioFiles.UnknownContainerException.class,
                () -> AudioFiles.decode("fLaC....".getBytes(StandardCharsets.US_ASCII), OptionalInt.empty(), 60));
        assertTrue(unknown.getMessage().contains("not a WAV file"), unknown.getMessage());
    }

    @Test
    void aNamedRateMeansRawPcmEvenWhenTheBytesLookLikeAFile() throws Exception {
        Wav jfk = Wav.read(SharedFiles.require("audio/jfk.wav"));
        WavFile.Decoded raw = AudioFiles.decode(jfk.pcm(), OptionalInt.of(16000), 60);
        assertEquals(16000, raw.sampleRate());
        assertArrayEquals(jfk.mono(), raw.mono16k(), 1e-6f, "raw PCM16 at 16 kHz is the samples as they are");

        byte[] wav = Files.readAllBytes(SharedFiles.require("audio/jfk.wav"));
        for (int rate : new int[] {0, -16000, 1000, 1_000_000}) {
            WavFile.UnsupportedAudioException e = assertThrows(WavFile.UnsupportedAudioException.class,
                    () -> AudioFiles.decode(wav, OptionalInt.of(rate), 60), "rate " + rate);
            assertTrue(e.getMessage().contains("out of range"), rate + ": " + e.getMessage());
        }
    }

    @Test
    void longerThanAllowedIsRefusedWithItsLength() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        byte[] wav = Files.readAllBytes(jfk);
        byte[] ogg = Files.readAllBytes(Sox.opusEncode(jfk, WORK.resolve("jfk-long.opus")));
        for (byte[] file : new byte[][] {wav, ogg}) {
            AudioFiles.TooLongException e = assertThrows(AudioFiles.TooLongException.class,
                    () -> AudioFiles.decode(file, OptionalInt.empty(), 10));
            assertEquals(11.0, e.seconds(), 1e-9);
            assertTrue(e.getMessage().contains("at most 10.0 s"), e.getMessage());
        }
        assertEquals(11.0, AudioFiles.decode(wav, OptionalInt.empty(), 11).seconds(), 1e-9, "exactly the limit is taken");
        AudioFiles.TooLongException raw = assertThrows(AudioFiles.TooLongException.class,
                () -> AudioFiles.decode(new byte[2 * 16000 * 3], OptionalInt.of(16000), 2));
        assertEquals(3.0, raw.seconds(), 1e-9);
    }
}
