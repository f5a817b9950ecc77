// The microphone as 16 kHz mono PCM16 in 20 ms frames (pcm-worklet.js resamples from the device
// rate), shared by the page's Microphone and Talk sections. onFrame gets {pcm: ArrayBuffer, peak}.
export async function openMicrophone(onFrame) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  const context = new AudioContext();
  await context.audioWorklet.addModule('/try/pcm-worklet.js');
  const node = new AudioWorkletNode(context, 'pcm-worklet');
  context.createMediaStreamSource(stream).connect(node);
  node.port.onmessage = ({ data }) => onFrame(data);
  return {
    close() {
      stream.getTracks().forEach((t) => t.stop());
      context.close();
    },
  };
}
