/** For the Ogg tests: an Ogg FLAC made by the real flac, whose LYRICS comment is a text given (a long one goes on over pages). */
import { tool } from './testing.js';

/** A second of silence: 16 kHz, mono, 16-bit PCM in a WAV. */
function silence(): Buffer {
  const wav = Buffer.alloc(44 + 32000);
  wav.write('RIFF');
  wav.writeUInt32LE(36 + 32000, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(16000, 24);
  wav.writeUInt32LE(32000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(32000, 40);
  return wav;
}

/** `flac --ogg --tag-from-file=LYRICS=…` of a second of silence: an Ogg FLAC whose LYRICS comment is `notes`. */
export function oggFlac(notes: string): Buffer {
  return tool('flac', ['-s', '-f', '--ogg', '--tag-from-file=LYRICS=notes.txt', '-o', 'a.oga', 'a.wav'], { 'a.wav': silence(), 'notes.txt': notes }, 'a.oga');
}
