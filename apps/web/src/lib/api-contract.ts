// The API contract the SPA is typed against: generated from the API's routes table (never edited by
// hand). Other modules import types from here.
import type { components, paths } from './api-schema.gen';

export type { components, paths };

// The contract lists X-CSRF-Token as a required header of every state change. The client's middleware
// adds it to every request (api-client.ts), so call sites are typed without it.
type WithoutCsrfHeader<Operation> = Operation extends { parameters: infer P }
  ? Omit<Operation, 'parameters'> & { parameters: Omit<P, 'header'> & { header?: never } }
  : Operation;

/** `paths` as the client sees them: the CSRF header supplied by the middleware. */
export type ClientPaths = {
  [Path in keyof paths]: { [Method in keyof paths[Path]]: Method extends 'parameters' ? paths[Path][Method] : WithoutCsrfHeader<paths[Path][Method]> };
};

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The JSON body of a successful GET on `P`. */
export type GetResponse<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } } ? JsonOf<R> : never;
/** The JSON body of a successful POST on `P`. */
export type PostResponse<P extends keyof paths> = paths[P] extends { post: { responses: { 200: infer R } } } ? JsonOf<R> : never;
/** A schema the API names under components (JobSummary, QueueOverview, …). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
