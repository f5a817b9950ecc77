package io.localmodels.tts;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/** The part of espeak-ng's C API (speak_lib.h) the service calls. Not thread-safe: one thread at a time. */
interface EspeakLibrary extends Library {

    int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    int POS_CHARACTER = 1;
    int CHARS_UTF8 = 1;
    int PARAMETER_RATE = 1;
    int EE_OK = 0;

    /** Called during espeak_Synth with each chunk of 16-bit samples; a non-zero answer stops the synthesis. */
    interface SynthCallback extends Callback {
        int invoke(Pointer wav, int samples, Pointer events);
    }

    int espeak_Initialize(int output, int bufferMs, String dataPath, int options);

    void espeak_SetSynthCallback(SynthCallback callback);

    int espeak_SetVoiceByName(String name);

    int espeak_SetParameter(int parameter, int value, int relative);

    int espeak_Synth(byte[] text, NativeLong size, int position, int positionType, int endPosition, int flags,
                     Pointer uniqueIdentifier, Pointer userData);

    int espeak_Terminate();

    String espeak_Info(PointerByReference dataPath);
}
