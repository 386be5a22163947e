import { Worker } from 'node:worker_threads';

// What a phone or a pharmacy scanner reads from an image. jsQR runs in a worker thread because
// inside Jest's sandbox every global lookup (Math, Uint8ClampedArray…) goes through the sandbox's
// global object: decoding an A4 page at 150 dpi takes ~3 s there and ~0.4 s in plain Node.

const SCAN = `
const { parentPort, workerData } = require('node:worker_threads');
const jsQR = require(workerData.jsqr).default;
const { PNG } = require(workerData.pngjs);
const { width, height, data } = PNG.sync.read(Buffer.from(workerData.png));
const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
// Printed codes are dark on light; trying the inverted image as well would double the time.
parentPort.postMessage(jsQR(pixels, width, height, { inversionAttempts: 'dontInvert' })?.data);
`;

/** The text of the QR code found in a PNG image, or undefined when none can be read. */
export function scanQr(png: Buffer): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SCAN, {
      eval: true,
      workerData: { png, jsqr: require.resolve('jsqr'), pngjs: require.resolve('pngjs') },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code === 0 || reject(new Error(`QR scan worker exited with ${code}`)));
  });
}
