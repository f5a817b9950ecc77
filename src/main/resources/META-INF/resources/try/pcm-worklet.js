// Microphone → 16 kHz mono PCM16 in 20 ms frames. The context runs at the device rate (44.1/48 kHz
// usually): each output sample averages the input samples of its span (a box low-pass that keeps
// most aliasing out of speech) at a fractional read position, so any input rate works.
class PcmWorklet extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 16000;   // input samples per output sample
    this.pos = 0;                     // read position in the current input block, fractional
    this.carry = new Float32Array(0); // input samples not consumed yet
    this.frame = new Int16Array(320);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    const input = new Float32Array(this.carry.length + channel.length);
    input.set(this.carry);
    input.set(channel, this.carry.length);
    let pos = this.pos;
    while (pos + this.step <= input.length) {
      const from = Math.floor(pos), to = Math.floor(pos + this.step);
      let sum = 0;
      for (let i = from; i < to; i++) sum += input[i];
      const v = sum / Math.max(1, to - from);
      this.peak = Math.max(this.peak, Math.abs(v));
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      if (this.filled === this.frame.length) {
        this.port.postMessage({ pcm: this.frame.buffer, peak: this.peak }, [this.frame.buffer]);
        this.frame = new Int16Array(320);
        this.filled = 0;
        this.peak = 0;
      }
      pos += this.step;
    }
    const keep = Math.floor(pos);
    this.carry = input.slice(keep);
    this.pos = pos - keep;
    return true;
  }
}
registerProcessor('pcm-worklet', PcmWorklet);
