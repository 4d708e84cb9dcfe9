// class-transformer ships the typings of its metadata storage under types/ and the code under cjs/.
declare module 'class-transformer/cjs/storage' {
  export const defaultMetadataStorage: import('class-transformer/types/MetadataStorage').MetadataStorage;
}
