/** Checks responses against `openapi/credvend.yaml`: the document is validated by a parser, schemas compiled by Ajv. */
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { OpenAPIV3_1 } from 'openapi-types';

/** The OpenAPI document of the API. */
export const OPENAPI_PATH = resolve(__dirname, '../../openapi/credvend.yaml');

/** A response as a test saw it. */
export interface SeenResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
  readonly body: unknown;
}

/** Validates responses against the document's schema for their route and status. */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<object, ValidateFunction>();

  private constructor(readonly document: OpenAPIV3_1.Document) {}

  /** Parses and validates the document (it fails here if the document is not valid OpenAPI 3.1). */
  static async load(path = OPENAPI_PATH): Promise<OpenApiChecker> {
    await SwaggerParser.validate(path);
    return new OpenApiChecker((await SwaggerParser.dereference(path)) as OpenAPIV3_1.Document);
  }

  /** The problems of a response; empty when it matches its route's documented response. */
  problems(response: SeenResponse): string[] {
    const route = response.path.length > 1 ? response.path.replace(/\/+$/, '') : response.path;
    const operation = this.document.paths?.[route]?.[
      response.method.toLowerCase() as OpenAPIV3_1.HttpMethods
    ] as OpenAPIV3_1.OperationObject | undefined;
    // Undocumented routes answer with the generic error (404/405).
    const responses: Record<string, unknown> = operation?.responses ?? {
      default: this.document.components?.responses?.Error,
    };
    const documented = (responses[String(response.status)] ?? responses.default) as
      | OpenAPIV3_1.ResponseObject
      | undefined;
    if (documented === undefined) return [`status ${response.status} is not documented for ${route}`];
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) return [`no JSON schema for ${response.status} of ${route}`];
    const problems = this.validate(schema, response.body);
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const value = Object.entries(response.headers).find(
        ([k]) => k.toLowerCase() === name.toLowerCase(),
      )?.[1];
      const headerSchema = (header as OpenAPIV3_1.HeaderObject).schema;
      if (value !== undefined && headerSchema !== undefined) {
        problems.push(...this.validate(headerSchema, String(value)).map((p) => `header ${name}: ${p}`));
      }
      if (name === 'Cache-Control' && value === undefined) problems.push('header Cache-Control is missing');
    }
    return problems;
  }

  private validate(schema: object, value: unknown): string[] {
    let validator = this.validators.get(schema);
    if (validator === undefined) {
      validator = this.ajv.compile(schema);
      this.validators.set(schema, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`);
  }
}
