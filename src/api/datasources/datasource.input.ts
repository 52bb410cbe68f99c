import { Field, ID, InputType, Int } from 'type-graphql';
import {
  ConnectionStatusEnum,
  DataSourceTypeEnum,
  DatabaseAttributeEnum,
  HeartbeatStateEnum,
  SslModeEnum,
} from '../enums.js';
import type {
  ConnectionStatus,
  DatabaseAttribute,
  DataSourceType,
  HeartbeatState,
  SslMode,
} from '../../datasources/model.js';

// Shapes only: the rules (lengths, formats, cross-field) live in src/datasources/rules.ts, so that all
// violations of one input are reported together with their field names.

@InputType({ description: 'A host and port: the standby endpoint of PRIMARY_STANDBY.' })
export class EndpointInput {
  @Field(() => String, { description: 'A DNS name or an IP address (no URL, port or list).' })
  host!: string;

  @Field(() => Int, { defaultValue: 5432, description: 'Port, 1–65535.' })
  port!: number;
}

@InputType({ description: 'Which data sources to list: every given field must match.' })
export class DataSourceFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of identifier, host, databaseName or remarks.',
  })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'Only data sources of this region.' })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, {
    nullable: true,
    description: 'Only data sources with these Database Attributes.',
  })
  databaseAttribute?: DatabaseAttribute | null;

  @Field(() => ConnectionStatusEnum, {
    nullable: true,
    description: 'Only data sources whose latest test ended so (or is running).',
  })
  connectionStatus?: ConnectionStatus | null;

  @Field(() => HeartbeatStateEnum, {
    nullable: true,
    description: 'Only data sources whose heartbeat is in this state.',
  })
  heartbeatState?: HeartbeatState | null;
}

@InputType({ description: 'What the Create Data Source dialog holds.' })
export class CreateDataSourceInput {
  @Field(() => String, {
    description:
      'Data Source Identifier: 1–32 letters, digits, _, - or ., starting with a letter or digit; unique case-insensitively.',
  })
  identifier!: string;

  @Field(() => DataSourceTypeEnum, { defaultValue: 'POSTGRESQL', description: 'Data Source Type.' })
  type!: DataSourceType;

  @Field(() => String, {
    nullable: true,
    description:
      'Region: required (one of `regions`) when two or more are configured, defaulted when one is, absent when none.',
  })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, { defaultValue: 'PRIMARY', description: 'Database Attributes.' })
  databaseAttribute!: DatabaseAttribute;

  @Field(() => String, {
    description:
      'Host IP Address: a DNS name or an IP address (no URL, port or list); the primary for PRIMARY and PRIMARY_STANDBY, the standby for STANDBY.',
  })
  host!: string;

  @Field(() => Int, { defaultValue: 5432, description: 'Port, 1–65535.' })
  port!: number;

  @Field(() => EndpointInput, {
    nullable: true,
    description:
      "The standby's host and port: required for PRIMARY_STANDBY, refused otherwise; same credentials as the primary.",
  })
  standby?: EndpointInput | null;

  @Field(() => String, { description: 'Username: 1–63 bytes.' })
  username!: string;

  @Field(() => String, {
    description: 'Password: 1–1024 characters; write-only (stored encrypted, never returned).',
  })
  password!: string;

  @Field(() => String, { description: 'DB Name: 1–63 bytes.' })
  databaseName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Schema Name (optional): without it, every schema the user can read is migratable.',
  })
  schemaName?: string | null;

  @Field(() => String, { nullable: true, description: 'Remarks (optional): at most 256 characters.' })
  remarks?: string | null;

  @Field(() => SslModeEnum, { defaultValue: 'PREFER', description: 'How the connection uses TLS.' })
  sslMode!: SslMode;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Let the service write heartbeat data into drc.heartbeat (PRIMARY and PRIMARY_STANDBY only).',
  })
  heartbeatEnabled!: boolean;

  @Field(() => ID, {
    nullable: true,
    description:
      "A PASSED draft test of exactly these connection parameters (the seed's Test Connection, then OK).",
  })
  verifiedByTestId?: string | null;
}

@InputType({ description: 'Connection parameters to test without saving anything.' })
export class ConnectionDraftInput {
  @Field(() => DataSourceTypeEnum, { defaultValue: 'POSTGRESQL', description: 'Data Source Type.' })
  type!: DataSourceType;

  @Field(() => DatabaseAttributeEnum, { defaultValue: 'PRIMARY', description: 'Database Attributes.' })
  databaseAttribute!: DatabaseAttribute;

  @Field(() => String, {
    description:
      'Host IP Address: a DNS name or an IP address (no URL, port or list); the primary for PRIMARY and PRIMARY_STANDBY, the standby for STANDBY.',
  })
  host!: string;

  @Field(() => Int, { defaultValue: 5432, description: 'Port, 1–65535.' })
  port!: number;

  @Field(() => EndpointInput, {
    nullable: true,
    description:
      "The standby's host and port: required for PRIMARY_STANDBY, refused otherwise; same credentials as the primary.",
  })
  standby?: EndpointInput | null;

  @Field(() => String, { description: 'Username: 1–63 bytes.' })
  username!: string;

  @Field(() => String, {
    description: 'Password: 1–1024 characters; write-only (stored encrypted, never returned).',
  })
  password!: string;

  @Field(() => String, { description: 'DB Name: 1–63 bytes.' })
  databaseName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Schema Name (optional): without it, every schema the user can read is migratable.',
  })
  schemaName?: string | null;

  @Field(() => SslModeEnum, { defaultValue: 'PREFER', description: 'How the connection uses TLS.' })
  sslMode!: SslMode;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Let the service write heartbeat data into drc.heartbeat (PRIMARY and PRIMARY_STANDBY only).',
  })
  heartbeatEnabled!: boolean;
}

@InputType({
  description: 'Every field optional; omitted means unchanged. See PRODUCT.md for the password rule.',
})
export class UpdateDataSourceInput {
  @Field(() => String, {
    nullable: true,
    description: 'A new Data Source Identifier (same rules as on create).',
  })
  identifier?: string | null;

  @Field(() => String, { nullable: true, description: 'A new region (one of `regions`).' })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, {
    nullable: true,
    description:
      'New Database Attributes; standby must then fit (given for PRIMARY_STANDBY, absent otherwise).',
  })
  databaseAttribute?: DatabaseAttribute | null;

  @Field(() => String, { nullable: true, description: 'A new host: the password must be given again.' })
  host?: string | null;

  @Field(() => Int, { nullable: true, description: 'A new port: the password must be given again.' })
  port?: number | null;

  @Field(() => EndpointInput, {
    nullable: true,
    description: 'A new standby endpoint: the password must be given again.',
  })
  standby?: EndpointInput | null;

  @Field(() => String, { nullable: true, description: 'A new username: the password must be given again.' })
  username?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new password; omitted keeps the stored one (there is no mask value).',
  })
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'A new DB Name: the password must be given again.' })
  databaseName?: string | null;

  @Field(() => String, { nullable: true, description: 'A new Schema Name.' })
  schemaName?: string | null;

  @Field(() => String, { nullable: true, description: 'New remarks.' })
  remarks?: string | null;

  @Field(() => SslModeEnum, {
    nullable: true,
    description: 'A new TLS mode; a weaker one needs the password again.',
  })
  sslMode?: SslMode | null;

  @Field(() => Boolean, { nullable: true, description: 'Turn the heartbeat on or off.' })
  heartbeatEnabled?: boolean | null;
}

@InputType({ description: 'Exactly one of the two.' })
export class TestConnectionInput {
  @Field(() => ID, { nullable: true, description: 'Test this saved data source (with its stored password).' })
  dataSourceId?: string | null;

  @Field(() => ConnectionDraftInput, {
    nullable: true,
    description: 'Test these parameters without saving anything.',
  })
  draft?: ConnectionDraftInput | null;
}
