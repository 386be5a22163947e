/**
 * How the ops instance that records a batch tells every ops instance which history rows it added:
 * a NOTIFY on this channel, sent in the recording transaction, so PostgreSQL delivers it when the
 * rows are committed and visible, in commit order, to every instance listening.
 */
export const RECORDED_CHANNEL = 'ordo_stream_recorded';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * The payloads announcing these sequence numbers: comma-separated, as many notifications as the
 * payload limit requires (a batch can hold thousands of small messages).
 */
export function recordedAnnouncements(seqs: readonly string[], maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const seq of seqs) {
    if (current && current.length + 1 + seq.length > maxBytes) {
      payloads.push(current);
      current = '';
    }
    current = current ? `${current},${seq}` : seq;
  }
  if (current) payloads.push(current);
  return payloads;
}

/** The sequence numbers one announcement names; anything else on the channel is ignored. */
export function announcedSeqs(payload: string | undefined): string[] {
  return (payload ?? '').split(',').filter((seq) => /^\d{1,19}$/.test(seq));
}
