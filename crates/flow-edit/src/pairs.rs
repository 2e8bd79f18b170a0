//! The JSON form of the pairs a [`Command`](crate::document::Command) holds: each pair is an
//! object with named fields (`{"index": 2, "node": {...}}`), not a two-element array, so a
//! command reads the same in a socket frame as in the code.

/// `Vec<(A, B)>` (de)serialised as a list of `{a_key: A, b_key: B}`, with serde attributes
/// for the first field (an index that may be left out).
macro_rules! pairs {
    ($module:ident, $(#[$a_attr:meta])* $a_key:ident: $a:ty, $b_key:ident: $b:ty) => {
        pub mod $module {
            use serde::{Deserialize, Deserializer, Serialize, Serializer};

            #[derive(Serialize)]
            struct Borrowed<'a> {
                $(#[$a_attr])*
                $a_key: &'a $a,
                $b_key: &'a $b,
            }

            #[derive(Deserialize)]
            struct Owned {
                $(#[$a_attr])*
                $a_key: $a,
                $b_key: $b,
            }

            pub fn serialize<S: Serializer>(
                pairs: &[($a, $b)],
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer
                    .collect_seq(pairs.iter().map(|(a, b)| Borrowed { $a_key: a, $b_key: b }))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Vec<($a, $b)>, D::Error> {
                let owned = Vec::<Owned>::deserialize(deserializer)?;
                Ok(owned.into_iter().map(|o| (o.$a_key, o.$b_key)).collect())
            }
        }
    };
}

pairs!(
    placed_nodes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    node: flow_model::Node
);
pairs!(
    placed_edges,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    edge: flow_model::Edge
);
pairs!(moves, id: String, position: flow_model::Position);
