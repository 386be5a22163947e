import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class HoldRequest {
  @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export class LiftHoldRequest {
  @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export class CloseCaseRequest {
  @IsIn(['confirmed-fraud', 'false-positive']) resolution: 'confirmed-fraud' | 'false-positive';
  @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}
