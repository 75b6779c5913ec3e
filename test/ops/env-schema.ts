import { z } from 'zod';

/** The environment variables a service's config schema knows, and those it cannot start without. */
export interface EnvVariables {
  known: string[];
  required: string[];
}

/**
 * Reads them off the zod object under the schema's `.transform`s. A variable is required when
 * undefined does not parse: no default, not optional.
 */
export function envVariablesOf(schema: z.ZodTypeAny): EnvVariables {
  const variables = Object.entries(objectUnder(schema).shape as Record<string, z.ZodTypeAny>);
  return {
    known: variables.map(([name]) => name),
    required: variables.filter(([, variable]) => !variable.isOptional()).map(([name]) => name),
  };
}

function objectUnder(schema: z.ZodTypeAny): z.AnyZodObject {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodEffects) return objectUnder(schema.innerType());
  throw new Error(`expected a zod object, maybe under transforms; got ${schema.constructor.name}`);
}
