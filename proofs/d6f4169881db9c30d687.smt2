; corpus/equivalent/x86_64-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x580 (bvsub RSP (_ bv8 64))))
(let ((?x203 (bvadd ?x580 (_ bv8 64))))
(let (($x348 (and (distinct ?x203 RSP) true)))
(let (($x31 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x385 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x384 (= TF (_ bv0 1))))
(let (($x67 (= VM (_ bv0 1))))
(let (($x136 (= DF (_ bv0 1))))
(and $x136 $x67 $x384 $x385 (or $x31 $x348)))))))))))
(check-sat)
