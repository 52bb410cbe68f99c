import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Where a page ends (Relay cursor pagination).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The last item's cursor: pass it as `after` for the next page; null on an empty page.",
  })
  endCursor!: string | null;
}
