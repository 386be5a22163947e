import { PNG } from 'pngjs';
import { KeyRing, QrTokenSigner, generatePrescriptionId, generateSigningKey } from '@ordo/rx-id';
import { scanQr } from '../../../../test/printing/qr-scan';
import { QR_QUIET_ZONE, qrMatrix, qrPng, qrSvg } from './qr-code';

const signer = new QrTokenSigner(KeyRing.fromConfig({ activeKid: '2026-01', keys: [generateSigningKey('2026-01')] }));
const token = signer.sign(generatePrescriptionId());

/** Paints the SVG's path the way a browser would, at 4 pixels a module. */
function rasteriseSvg(svg: string): Buffer {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const scale = 4;
  const png = new PNG({ width: side * scale, height: side * scale });
  png.data.fill(255);
  for (const [, x, y, length] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(length)) * scale; px++) {
        png.data.fill(0, (py * png.width + px) * 4, (py * png.width + px) * 4 + 3);
      }
    }
  }
  return PNG.sync.write(png, { filterType: 0 });
}

describe('QR code of a prescription', () => {
  it('is an SVG document that scans back to the token', async () => {
    const svg = qrSvg(token);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*>.*<\/svg>$/s);
    expect(await scanQr(rasteriseSvg(svg))).toBe(token);
  });

  it('leaves a quiet zone of four modules around the SVG symbol', () => {
    const size = qrMatrix(token).size;
    expect(qrSvg(token)).toContain(`viewBox="0 0 ${size + 2 * QR_QUIET_ZONE} ${size + 2 * QR_QUIET_ZONE}"`);
  });

  it('is a PNG that scans back to the token', async () => {
    const png = await qrPng(token);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await scanQr(png)).toBe(token);
  });

  it('fits the longest token in a small symbol', () => {
    const longest = new QrTokenSigner(KeyRing.fromConfig({ activeKid: 'k'.repeat(32), keys: [generateSigningKey('k'.repeat(32))] })).sign(
      generatePrescriptionId(),
    );
    expect(longest).toHaveLength(144);
    // Version 8 at level M: 49 modules, about 0.7 mm each in a 35 mm square.
    expect(qrMatrix(longest).size).toBeLessThanOrEqual(49);
  });
});
