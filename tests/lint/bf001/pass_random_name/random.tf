resource "random_id" "ce" {
  byte_length = 4
}
