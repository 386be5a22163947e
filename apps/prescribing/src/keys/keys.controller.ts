import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '@ordo/auth';
import { KeyRing } from '@ordo/rx-id';
import { QR_KEY_RING } from './qr-keys.provider';

/** The public keys that verify QR tokens, for pharmacies to check a code before any lookup. */
@Controller('v1/keys')
export class KeysController {
  constructor(@Inject(QR_KEY_RING) private readonly ring: KeyRing) {}

  @Public()
  @Get()
  list() {
    return { keys: this.ring.publicKeys() };
  }
}
