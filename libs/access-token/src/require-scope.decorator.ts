import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPE = 'converge:required-scope';

/** The route is for callers whose access token carries this scope; others get 403 INSUFFICIENT_SCOPE. */
export const RequireScope = (scope: string): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, scope);
