export * from './agent-definition.dto';
export * from './tool-args.validator';
export * from './validate-agent-definition';
export * from './validation-problem';
export * from './definition-schemas';
export * from './input-schema';
