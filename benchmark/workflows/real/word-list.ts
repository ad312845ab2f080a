/** The words the social-network posts are made of, and the words text-filter bans by default. */

/** Ordinary words of a post (lower case). */
export const WORDS: readonly string[] = [
  'the', 'a', 'and', 'to', 'of', 'in', 'is', 'it', 'for', 'on', 'with', 'this', 'that', 'was', 'at', 'by', 'we', 'you', 'my', 'our',
  'today', 'tonight', 'morning', 'weekend', 'summer', 'winter', 'city', 'park', 'beach', 'river', 'mountain', 'coffee', 'tea', 'pizza',
  'music', 'concert', 'movie', 'book', 'game', 'team', 'match', 'goal', 'win', 'lost', 'friends', 'family', 'dog', 'cat', 'garden',
  'sunset', 'sunrise', 'photo', 'trip', 'train', 'bike', 'run', 'walk', 'new', 'old', 'great', 'little', 'big', 'happy', 'tired',
  'finally', 'really', 'just', 'never', 'always', 'again', 'first', 'last', 'best', 'worst', 'love', 'like', 'need', 'want', 'see',
  'made', 'went', 'found', 'cooked', 'watched', 'read', 'played', 'visited', 'shared', 'built', 'started', 'finished', 'launch',
  'project', 'code', 'release', 'update', 'server', 'cloud', 'function', 'workflow', 'latency', 'cache', 'night', 'day', 'week',
  'year', 'home', 'work', 'school', 'market', 'street', 'light', 'rain', 'snow', 'sun', 'wind', 'blue', 'green', 'red', 'golden',
];

/** Words text-filter removes unless told otherwise (matched whole, any case). */
export const BANNED_WORDS: readonly string[] = ['spam', 'scam', 'fraud', 'clickbait', 'troll', 'idiot', 'stupid', 'hate', 'fake', 'darn'];
