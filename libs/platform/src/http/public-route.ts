import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'converge:public-route';

/**
 * A route any caller may use without an access token: probes and scrapes by the platform,
 * which hold no one's data.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
