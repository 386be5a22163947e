import { CloudEvent } from '@ordo/contracts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { Actors, OPS_TEST_BASE_PORT, actors, deadLetterAnIssuedEvent, dispense, issuePrescription } from './ops-test-support';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * The operations dashboard in a real headless Chromium, against the four services as processes:
 * an issued prescription shows up live, the stream narrows to one prescription, a dead letter is
 * replayed and processed, and the fraud counts, lag and health panels fill in.
 */
describe('ops dashboard in a browser', () => {
  let system: OrdoSystem;
  let who: Actors;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    system = await OrdoSystem.start(OPS_TEST_BASE_PORT);
    who = await actors(system);
    userDataDir = mkdtempSync(join(tmpdir(), 'ordo-ops-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 1100 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => browserErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    // The replay button asks for confirmation, as it should for an operator.
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await system?.stop();
  });

  const streamRow = (id: string, type: string) => page.locator(`tr[data-testid="stream-event"][data-subject="${id}"][data-type="${type}"]`);

  it('shows a newly issued prescription live, narrows to it, replays a dead letter, and reports counts, lag and health', async () => {
    await page.goto(`${system.url('ops')}/dashboard?token=${who.operator}`);
    await page.locator('[data-testid="connection"]', { hasText: 'live' }).waitFor({ timeout: 10000 });
    // The token moved out of the address bar into the tab's session storage.
    expect(page.url()).not.toContain('token=');

    // A first prescription warms every consumer up; the second is timed.
    const warmUp = await issuePrescription(system, who.prescriber);
    await streamRow(warmUp.id, 'fr.ordo.prescription.issued.v1').waitFor({ timeout: 30000 });

    const issuedAt = Date.now();
    const rx = await issuePrescription(system, who.prescriber);
    await streamRow(rx.id, 'fr.ordo.prescription.issued.v1').waitFor({ timeout: 2000 });
    const latencyMs = Date.now() - issuedAt;
    expect(latencyMs).toBeLessThan(2000);
    await expect(streamRow(rx.id, 'fr.ordo.prescription.issued.v1').locator('td').nth(3).textContent()).resolves.toBe(rx.displayId);

    // Dispensing it twice makes fraud raise an alert: more of this prescription's story on screen.
    expect(await dispense(system, who.pharmacist, rx.id)).toBe(201);
    expect(await dispense(system, who.otherPharmacist, rx.id)).toBe(409);

    // Narrow the stream to this prescription, typed as printed on the paper.
    await page.getByTestId('filter-subject').fill(rx.displayId.toLowerCase());
    // fraud may raise more than one alert as its case grows: any one will do.
    await streamRow(rx.id, 'fr.ordo.fraud.alert-raised.v1').first().waitFor({ timeout: 30000 });
    const story = [
      'fr.ordo.prescription.issued.v1',
      'fr.ordo.dispensing.scanned.v1',
      'fr.ordo.dispensing.claimed.v1',
      'fr.ordo.prescription.status-changed.v1',
      'fr.ordo.dispensing.dispensed.v1',
      'fr.ordo.dispensing.refused.v1',
      'fr.ordo.fraud.alert-raised.v1',
    ];
    const rows = await eventually(
      async () => {
        const shown = await page
          .locator('tr[data-testid="stream-event"]')
          .evaluateAll((trs) => trs.map((tr) => ({ subject: tr.getAttribute('data-subject'), type: tr.getAttribute('data-type') })));
        const types = new Set(shown.map((row) => row.type));
        const narrowed = shown.every((row) => row.subject === rx.id);
        return narrowed && story.every((type) => types.has(type)) ? shown : undefined;
      },
      15000,
      "the stream to show the prescription's story",
    );
    expect(rows.every((row) => row.subject === rx.id)).toBe(true);
    await expect(streamRow(warmUp.id, 'fr.ordo.prescription.issued.v1').count()).resolves.toBe(0);
    await page.locator('[data-testid="count-alerts"]', { hasText: /^[1-9]/ }).waitFor({ timeout: 15000 });

    // A dead letter dispensing could not apply: replay it from the dashboard and see it processed.
    const history = await system.request('ops', 'GET', `/v1/events?subject=${rx.id}&type=fr.ordo.prescription.issued.v1`, {
      token: who.operator,
    });
    const letter = await deadLetterAnIssuedEvent(history.body.items[0].event as CloudEvent);
    const letterRow = page.locator(`tr[data-testid="dead-letter"][data-subject="${letter.prescriptionId}"]`);
    await letterRow.waitFor({ timeout: 15000 });
    await expect(letterRow.textContent()).resolves.toContain('handler-failed');
    await expect(letterRow.textContent()).resolves.toContain('dispensing (ordo-dispensing)');
    await letterRow.getByTestId('replay').click();
    await letterRow.locator('[data-testid="replay-outcome"][data-outcome="processed"]').waitFor({ timeout: 20000 });
    const known = await system.request('dispensing', 'GET', `/v1/prescriptions/${letter.prescriptionId}`, { token: who.pharmacist });
    expect(known.status).toBe(200);

    // The replayed copy passes through the live stream, marked as such.
    await page.getByTestId('filter-subject').fill(letter.prescriptionId);
    const replayed = page.locator(
      `tr[data-testid="stream-event"][data-subject="${letter.prescriptionId}"][data-topic="ordo.prescriptions"]`,
    );
    await replayed.waitFor({ timeout: 10000 });
    await expect(replayed.locator('.badge-replay').count()).resolves.toBe(1);
    await page.getByTestId('filter-subject').fill('');

    // Health of every service, and the services' consumer groups in the lag panel.
    for (const service of ['prescribing', 'dispensing', 'fraud', 'ops']) {
      await page.locator(`[data-testid="service-${service}"][data-status="up"]`).waitFor({ timeout: 10000 });
    }
    for (const group of ['ordo-dispensing', 'ordo-fraud', 'ordo-ops', 'ordo-prescribing']) {
      await page.locator(`tr[data-testid="lag-group"][data-group="${group}"]`).waitFor({ timeout: 10000 });
    }
    await page.locator('#rates-legend li[data-topic="ordo.prescriptions"]').waitFor({ timeout: 10000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, 'ops-dashboard.png'), fullPage: true });
    expect(browserErrors).toEqual([]);
  });

  it('refuses the live stream without a token or with another role', async () => {
    const anonymous = await fetch(`${system.url('ops')}/v1/events/live`);
    expect(anonymous.status).toBe(401);
    const pharmacist = await fetch(`${system.url('ops')}/v1/events/live?token=${who.pharmacist}`);
    expect(pharmacist.status).toBe(403);
    const forged = await fetch(`${system.url('ops')}/v1/events/live?token=${who.operator.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    // The page itself is open; what it shows is not.
    expect((await fetch(`${system.url('ops')}/dashboard`)).status).toBe(200);
    expect((await fetch(`${system.url('ops')}/v1/stats/summary`)).status).toBe(401);
  });
});
