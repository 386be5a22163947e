import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

// class-transformer keeps its metadata here (nested DTO types from @Type); it has no public export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/**
 * OpenAPI at /docs (and /docs-json). Request schemas come from the class-validator rules the
 * validation pipe enforces, so the documentation cannot drift from what is checked.
 */
export function setUpOpenApi(app: NestFastifyApplication, service: string): void {
  const config = new DocumentBuilder()
    .setTitle(`Ordo ${service}`)
    .setDescription(`The ${service} API of Ordo, the e-prescription backend. Every call needs a bearer JWT unless noted.`)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(schemas as object) } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
