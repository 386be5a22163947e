import { Module } from '@nestjs/common';
import { PrescriptionPrinter } from './prescription-printer';

@Module({ providers: [PrescriptionPrinter], exports: [PrescriptionPrinter] })
export class PrintingModule {}
