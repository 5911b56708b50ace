import type { PayloadKeys } from '@flowmate/config';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadCipherCodec, PayloadDecryptError } from './payload-cipher-codec';

const keys = (currentKeyId: string, ...ids: string[]): PayloadKeys => ({ currentKeyId, keys: Object.fromEntries(ids.map((id) => [id, keyBytes[id]])) });
const keyBytes: Record<string, Buffer> = { old: randomBytes(32), new: randomBytes(32), other: randomBytes(32) };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe(PayloadCipherCodec.name, () => {
  const value = { prompt: 'canary-4f1c summarise my inbox' };
  const input = defaultPayloadConverter.toPayload(value) as Payload;
  const valuesOf = (payloads: Payload[]) => payloads.map((payload) => defaultPayloadConverter.fromPayload(payload));

  it('seals the whole payload, metadata and data, under the current key and opens it again', async () => {
    const codec = new PayloadCipherCodec(keys('old', 'old'));
    const [encoded] = await codec.encode([input]);

    expect(text(encoded.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata?.[KEY_ID_METADATA])).toBe('old');
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual([METADATA_ENCODING_KEY, KEY_ID_METADATA].sort());
    expect(Buffer.from(encoded.data ?? []).includes('canary-4f1c')).toBe(false);
    expect(Buffer.from(encoded.data ?? []).includes('json/plain')).toBe(false);
    expect(valuesOf(await codec.decode([encoded]))).toEqual([value]);
  });

  it('encrypts new payloads with the current key and still opens those of a rotated-out one', async () => {
    const [underOld] = await new PayloadCipherCodec(keys('old', 'old')).encode([input]);
    const rotated = new PayloadCipherCodec(keys('new', 'old', 'new'));

    const [underNew] = await rotated.encode([input]);
    expect(text(underNew.metadata?.[KEY_ID_METADATA])).toBe('new');
    expect(valuesOf(await rotated.decode([underOld, underNew]))).toEqual([value, value]);
  });

  it('passes payloads that were never encrypted through, so histories from before keep replaying', async () => {
    expect(await new PayloadCipherCodec(keys('old', 'old')).decode([input])).toEqual([input]);
  });

  it('refuses a payload under a key it does not hold, a tampered one, and a swapped key id', async () => {
    const codec = new PayloadCipherCodec(keys('old', 'old', 'other'));
    const [encoded] = await codec.encode([input]);

    await expect(new PayloadCipherCodec(keys('new', 'new')).decode([encoded])).rejects.toThrow(new PayloadDecryptError('A payload is encrypted with key "old", which PAYLOAD_KEYS does not hold'));
    const tampered = Buffer.from(encoded.data ?? []);
    tampered[tampered.length - 1] ^= 1;
    await expect(codec.decode([{ ...encoded, data: tampered }])).rejects.toThrow(PayloadDecryptError);
    const swapped = { ...encoded, metadata: { ...encoded.metadata, [KEY_ID_METADATA]: Buffer.from('other') } };
    await expect(codec.decode([swapped])).rejects.toThrow(PayloadDecryptError);
  });

  it('keeps its keys out of inspection and JSON', () => {
    const codec = new PayloadCipherCodec(keys('old', 'old'));
    expect(JSON.stringify(codec)).not.toContain(keyBytes.old.toString('base64'));
    expect(inspect(codec, { depth: 5 })).not.toContain(keyBytes.old.toString('hex').slice(0, 16));
  });
});
