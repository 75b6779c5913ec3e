import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runMigrationsExclusively } from './run-migrations';

/** Brings the service's own database schema up to date before it serves anything. */
@Injectable()
export class SchemaMigrator implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await runMigrationsExclusively(this.dataSource);
  }
}
