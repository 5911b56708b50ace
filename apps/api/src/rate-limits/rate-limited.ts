import { SetMetadata } from '@nestjs/common';

export const SIGN_IN_ROUTE = Symbol('signInRoute');
/** A sign-in route: limited harder per client address, and `POST /auth` per e-mail address too. */
export const SignInRoute = (): MethodDecorator & ClassDecorator => SetMetadata(SIGN_IN_ROUTE, true);

export const STARTS_RUNS = Symbol('startsRuns');
/** A route that starts runs: each call counts against the caller's daily run-start quota. */
export const StartsRuns = (): MethodDecorator & ClassDecorator => SetMetadata(STARTS_RUNS, true);
