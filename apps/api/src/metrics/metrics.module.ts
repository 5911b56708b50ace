import { Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { StoredStateGauges } from './stored-state.gauges';

/** The API's Prometheus registry: its own (not prom-client's global one), so apps in one process never share series. */
@Module({})
export class MetricsModule {
  static forRoot(registry: Registry): DynamicModule {
    collectDefaultMetrics({ register: registry });
    return { module: MetricsModule, controllers: [MetricsController], providers: [{ provide: Registry, useValue: registry }, StoredStateGauges], exports: [Registry] };
  }
}
