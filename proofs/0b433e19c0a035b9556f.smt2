; corpus/not-equivalent/x86_64-outb-wrong-port.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1293 (bvsub RSP (_ bv8 64))))
(let ((?x3241 (bvadd ?x1293 (_ bv8 64))))
(let (($x5726 (and (distinct ?x3241 RSP) true)))
(let (($x4618 (and (distinct (_ bv128 16) (_ bv129 16)) true)))
(let (($x363 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x5338 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x5299 (= TF (_ bv0 1))))
(let (($x3397 (= VM (_ bv0 1))))
(let (($x6656 (= DF (_ bv0 1))))
(and $x6656 $x3397 $x5299 $x5338 (or $x363 $x4618 $x5726))))))))))))
(check-sat)
