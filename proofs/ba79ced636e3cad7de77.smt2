; corpus/not-equivalent/x86_64-wbinvd-as-invd.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x14416 (bvsub RSP (_ bv8 64))))
(let ((?x16562 (bvadd ?x14416 (_ bv8 64))))
(let (($x2171 (and (distinct ?x16562 RSP) true)))
(let (($x1055 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x995 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x3769 (= TF (_ bv0 1))))
(let (($x4192 (= VM (_ bv0 1))))
(let (($x5649 (= DF (_ bv0 1))))
(and $x5649 $x4192 $x3769 $x995 (or $x1055 true $x2171)))))))))))
(check-sat)
