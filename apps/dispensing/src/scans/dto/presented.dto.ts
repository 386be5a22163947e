import { IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** A scanned QR code, or, when it cannot be scanned, the ID as the pharmacist typed it. */
export class PresentedDto {
  @ValidateIf((dto: PresentedDto) => dto.typedId === undefined)
  @IsString({ message: 'code or typedId is required' })
  @MinLength(1)
  @MaxLength(400)
  code?: string;

  @ValidateIf((dto: PresentedDto) => dto.code === undefined)
  @IsString({ message: 'typedId or code is required' })
  @MinLength(1)
  @MaxLength(60)
  typedId?: string;
}
