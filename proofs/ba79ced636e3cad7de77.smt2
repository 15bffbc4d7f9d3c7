; corpus/not-equivalent/x86_64-wbinvd-as-invd.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x65 (bvsub RSP (_ bv8 64))))
(let ((?x1076 (bvadd ?x65 (_ bv8 64))))
(let (($x6201 (and (distinct ?x1076 RSP) true)))
(let (($x3284 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x3572 (= VM (_ bv0 1))))
(let (($x3527 (= DF (_ bv0 1))))
(and $x3527 $x3572 (or $x3284 true $x6201)))))))))
(check-sat)
