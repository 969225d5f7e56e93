// Self-referential structures: a linked list and a binary tree built in static pools,
// with pointer-to-pointer updates.
#include "test.h"

struct node { int key; struct node *left, *right; };
struct node pool[32];
int used;

struct node *new_node(int key)
{
	struct node *n = &pool[used++];
	n->key = key;
	n->left = n->right = 0;
	return n;
}

void insert(struct node **root, int key)
{
	while (*root)
		root = key < (*root)->key ? &(*root)->left : &(*root)->right;
	*root = new_node(key);
}

int height(struct node *n)
{
	if (!n)
		return 0;
	int l = height(n->left), r = height(n->right);
	return 1 + (l > r ? l : r);
}

int inorder(struct node *n, int *out, int i)
{
	if (!n)
		return i;
	i = inorder(n->left, out, i);
	out[i++] = n->key;
	return inorder(n->right, out, i);
}

int main(void)
{
	struct node *root = 0;
	int keys[] = {50, 30, 70, 20, 40, 60, 80, 35};
	int out[8];
	for (int i = 0; i < 8; i++)
		insert(&root, keys[i]);
	ASSERT(8, used);
	ASSERT(4, height(root));
	ASSERT(8, inorder(root, out, 0));
	ASSERT(20, out[0]);
	ASSERT(35, out[2]);
	ASSERT(80, out[7]);
	ASSERT(35, root->left->right->left->key);
	return DONE();
}
